// The process-wide instance registry and the bridge-facing parts of GuestInstance.
#include <atomic>
#include <string>
#include <vector>

#include "core/instance_registry.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;

TEST("registry: each instance gets a new id that resolves to it until released or destroyed") {
  auto a = new_instance();
  auto b = new_instance();
  CHECK(a->id() != 0 && b->id() > a->id());
  auto &reg = core::InstanceRegistry::get();
  CHECK(reg.find(a->id()) == a && reg.find(b->id()) == b);
  CHECK(reg.find(0) == nullptr && reg.find(b->id() + 1000000) == nullptr);
  const uint64_t aid = a->id(), bid = b->id();
  CHECK(a->release() == 0);
  CHECK(reg.find(aid) == nullptr);
  b.reset();  // destroyed without release
  CHECK(reg.find(bid) == nullptr);
  auto c = new_instance();
  CHECK(c->id() > bid);  // never reused
}

TEST("take_requests and take_callbacks drain their queues in order") {
  auto g = new_instance();
  CHECK(g->take_requests().empty() && g->take_callbacks().empty());
  CHECK(g->post_callback(1, "one") == 0);
  CHECK(g->post_callback(2, "two") == 0);
  auto cbs = g->take_callbacks();
  CHECK(cbs.size() == 2 && cbs[0].id == 1 && cbs[0].payload == "one" && cbs[1].id == 2 && cbs[1].payload == "two");
  CHECK(g->take_callbacks().empty());
  CHECK(g->sleep_ms(0) == 0);  // nothing pending any more
}

TEST("registry (threads): completions, callbacks and lookups race a release and a destruction safely") {
  for (int round = 0; round < 20; ++round) {
    auto g = new_instance();
    const uint64_t id = g->id();
    std::vector<int32_t> fds;
    for (int i = 0; i < 8; ++i) fds.push_back(new_response(*g));
    std::atomic<bool> go{false};
    std::atomic<int> ok{0};
    std::vector<std::unique_ptr<Joined>> hosts;
    for (int t = 0; t < 3; ++t) {
      hosts.push_back(std::make_unique<Joined>([&, t] {
        while (!go) std::this_thread::yield();
        for (int i = 0; i < 200; ++i) {
          auto inst = core::InstanceRegistry::get().find(id);
          if (!inst) {
            ++ok;  // a stale id: what a late host service sees
            continue;
          }
          const int32_t fd = fds[static_cast<size_t>(i) % fds.size()];
          const int32_t r = t == 0 ? inst->complete_chat(fd, to_vec("x"), "{}")
                            : t == 1 ? inst->fail_chat(fd, -abi::kEIO)
                                     : inst->post_callback(static_cast<uint64_t>(i), "{}");
          if (r == 0 || r == -abi::kEINVAL || r == -abi::kEBADF) ++ok;
        }
      }));
    }
    go = true;
    const int32_t waited = g->sleep_ms(1000);  // interrupted by a callback, or released
    CHECK(waited == core::kCallbackPending || waited == core::kAborted || waited == 0);
    CHECK(g->release() == 0);
    g.reset();
    hosts.clear();  // joined
    CHECK(ok == 600);
    CHECK(core::InstanceRegistry::get().find(id) == nullptr);
  }
}
