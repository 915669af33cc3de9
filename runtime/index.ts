/** hostwire: the public SDK. */
export { main } from './cli';
