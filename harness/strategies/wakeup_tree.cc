#include "strategies/wakeup_tree.h"

namespace lockstep::internal {

WakeupTree WakeupTree::take_first() {
  WakeupTree rest;
  rest.roots_ = std::move(roots_.front().children);
  roots_.erase(roots_.begin());
  return rest;
}

bool WakeupTree::insert(Sequence& v) {
  std::vector<Node>* level = &roots_;
  for (;;) {
    if (v.empty()) return false;  // v is a prefix of the subtree's sequences (up to order)
    Node* next = nullptr;
    for (Node& child : *level) {
      if (v.weak_initial(child.step)) {
        next = &child;
        break;
      }
    }
    if (next == nullptr) break;
    if (next->children.empty()) return false;  // a leaf compatible with v covers it
    v.remove(next->step.thread);
    level = &next->children;
  }
  for (const SeenStep& step : v.rest()) {
    level->push_back(Node{step, {}});
    level = &level->back().children;
  }
  return true;
}

}  // namespace lockstep::internal

