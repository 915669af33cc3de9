// hostwire.node: the addon entry. Everything it exports is generated from the IDL
// (generated/napi/module.cc); the behaviour behind it is the native core (native/core/).
#include <napi.h>

#include "napi/module.hpp"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) { return hostwire::glue::register_bindings(env, exports); }

}  // namespace

NODE_API_MODULE(hostwire, Init)
