#include "lockstep/gtest.h"

#include <gtest/gtest-spi.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "lockstep/assert.h"
#include "lockstep/internal/runtime.h"

namespace lockstep::testing {
namespace {

std::string gtest_reproduce(const std::string& name, const std::string& token) {
  std::string line = "LOCKSTEP_REPLAY=" + token + " " + ::testing::internal::GetArgvs()[0];
  if (!name.empty() && name != "-") line += " --gtest_filter=" + name;
  return line;
}

// Routes failures raised inside an execution to lockstep; keeps the others to
// re-report them after the exploration, where they belong to the test itself.
class FailureRouter : public ::testing::ScopedFakeTestPartResultReporter {
 public:
  FailureRouter()
      : ScopedFakeTestPartResultReporter(INTERCEPT_ALL_THREADS, &outside_) {}

  void ReportTestPartResult(const ::testing::TestPartResult& result) override {
    if (internal::current_execution() != nullptr && result.failed()) {
      report_assertion_failure(result.message(), result.file_name(), result.line_number(),
                               result.fatally_failed());
      return;
    }
    ScopedFakeTestPartResultReporter::ReportTestPartResult(result);
  }

  const ::testing::TestPartResultArray& outside() const { return outside_; }

 private:
  ::testing::TestPartResultArray outside_;
};

// GoogleTest's sharding environment, taken over before main (see gtest.h): GoogleTest
// would run each test in one shard only; lockstep instead runs every test in every
// shard and splits each exploration's executions. Read during static initialisation,
// while the process has one thread, so unsetenv is safe.
std::optional<Shard> take_gtest_shard() {
  const char* index = std::getenv("GTEST_SHARD_INDEX");
  const char* total = std::getenv("GTEST_TOTAL_SHARDS");
  if (index == nullptr || total == nullptr) return std::nullopt;
  std::optional<Shard> shard;
  try {
    Options parsed;
    parsed.set("shard", std::string(index) + "/" + total);
    shard = parsed.shard;
  } catch (const OptionError&) {
    return std::nullopt;  // left to GoogleTest, which reports a malformed environment
  }
  unsetenv("GTEST_SHARD_INDEX");
  unsetenv("GTEST_TOTAL_SHARDS");
  return shard;
}

const std::optional<Shard> kGtestShard = take_gtest_shard();

}  // namespace

std::optional<Shard> gtest_shard() { return kGtestShard; }

struct ScopedFailureCapture::Impl {
  FailureRouter router;
};

ScopedFailureCapture::ScopedFailureCapture() : impl_(new Impl) {}

ScopedFailureCapture::~ScopedFailureCapture() {
  std::vector<::testing::TestPartResult> outside;
  for (int i = 0; i < impl_->router.outside().size(); ++i) {
    outside.push_back(impl_->router.outside().GetTestPartResult(i));
  }
  delete impl_;  // restores GoogleTest's reporter
  for (const auto& result : outside) {
    GTEST_MESSAGE_AT_(result.file_name() != nullptr ? result.file_name() : "", result.line_number(),
                      result.message(), result.type());
  }
}

std::string current_test_name() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return {};
  return std::string(info->test_suite_name()) + "." + info->name();
}

Result run_as_test(std::function<void()> body, const Options& options) {
  set_reproduce_formatter(&gtest_reproduce);
  Options sharded = options;
  if (sharded.shard == Shard{} && kGtestShard) sharded.shard = *kGtestShard;
  Result result;
  {
    ScopedFailureCapture capture;
    result = explore(std::move(body), sharded, current_test_name());
  }
  if (!result) ADD_FAILURE() << result;
  return result;
}

Result run_as_test(std::function<void()> body, const char* options_text) {
  Options options;
  try {
    options.apply(options_text != nullptr ? options_text : "");
  } catch (const OptionError& error) {
    ADD_FAILURE() << "lockstep: bad options in the test: " << error.what();
    return Result(Verdict::kError, Report{}, error.what());
  }
  return run_as_test(std::move(body), options);
}

}  // namespace lockstep::testing
