// A minimal test harness for the core tests: CHECK records a failure and goes on; TEST
// registers a function that main() runs.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace hostwire::test {

struct Case {
  const char *name;
  std::function<void()> run;
};

inline std::vector<Case> &cases() {
  static std::vector<Case> all;
  return all;
}

/** Failed checks so far (CHECK may run on other threads, in completions). */
inline std::atomic<int> &failures() {
  static std::atomic<int> n{0};
  return n;
}

struct Register {
  Register(const char *name, std::function<void()> run) { cases().push_back({name, std::move(run)}); }
};

inline void fail(const char *file, int line, const std::string &what) {
  ++failures();
  std::fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what.c_str());
}

/** Run every test; returns the process exit code. */
inline int run_all() {
  for (const Case &c : cases()) {
    const int before = failures();
    c.run();
    std::printf("%s %s\n", failures() == before ? "ok  " : "FAIL", c.name);
  }
  std::printf("%zu tests, %d failed checks\n", cases().size(), failures().load());
  return failures() == 0 ? 0 : 1;
}

}  // namespace hostwire::test

#define HW_CAT2(a, b) a##b
#define HW_CAT(a, b) HW_CAT2(a, b)
#define TEST(name)                                                                       \
  static void HW_CAT(test_, __LINE__)();                                                 \
  static const ::hostwire::test::Register HW_CAT(register_, __LINE__)(name, &HW_CAT(test_, __LINE__)); \
  static void HW_CAT(test_, __LINE__)()
#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) ::hostwire::test::fail(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)
#define CHECK_MSG(cond, msg)                                                    \
  do {                                                                          \
    if (!(cond)) ::hostwire::test::fail(__FILE__, __LINE__, msg);               \
  } while (0)
