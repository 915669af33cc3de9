// hostwire.node: the addon entry. Everything it exports is generated from the IDL
// (generated/napi/module.cc), except `host`, the hand-written guest bridge
// (host_bridge.cc; hostwire.node only, not the glue-test addon), and `noop`, a function that
// does nothing (the floor of any call into the addon, measured by `npm run bench:hostcall`);
// the behaviour behind it is the native core (native/core/).
#include <napi.h>

#include "napi/module.hpp"
#ifdef HOSTWIRE_HOST_BRIDGE
#include "host_bridge.hpp"
#endif

namespace {

/** Does nothing and returns 0, as cheaply as a function of the addon can. */
Napi::Value Noop(const Napi::CallbackInfo &info) { return Napi::Number::New(info.Env(), 0); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports = hostwire::glue::register_bindings(env, exports);
  exports.Set("noop", Napi::Function::New<Noop>(env, "noop"));
#ifdef HOSTWIRE_HOST_BRIDGE
  exports.Set("host", hostwire::bridge::make_host_bridge(env));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(hostwire, Init)
