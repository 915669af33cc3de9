/** hostwire: the public SDK. */
export { main } from './cli';
export { checkGuestAbi, GuestAbiError } from './guest/abi-version';
