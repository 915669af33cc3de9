// hostwire.node: the guest bridge, exported as `binding.host` (runtime/guest/README.md,
// "The bridge"). Hand-written N-API over the native core's GuestInstance; not part of the
// guest ABI.
#pragma once

#include <napi.h>

namespace hostwire::bridge {

/** The `host` object: instanceId, takeRequests, takeCallbacks, completeChat, failChat,
 *  postCallback, abortInstance, releaseInstance. */
Napi::Object make_host_bridge(Napi::Env env);

}  // namespace hostwire::bridge
