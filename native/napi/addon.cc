// hostwire.node: the addon entry. Everything it exports is generated from the IDL
// (generated/napi/module.cc), except `host`, the hand-written guest bridge
// (host_bridge.cc; hostwire.node only, not the glue-test addon); the behaviour behind it is
// the native core (native/core/).
#include <napi.h>

#include "napi/module.hpp"
#ifdef HOSTWIRE_HOST_BRIDGE
#include "host_bridge.hpp"
#endif

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports = hostwire::glue::register_bindings(env, exports);
#ifdef HOSTWIRE_HOST_BRIDGE
  exports.Set("host", hostwire::bridge::make_host_bridge(env));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(hostwire, Init)
