export { GuestStreamServer, MAX_BUFFERED_BYTES, MAX_MESSAGE_BYTES, STREAM_SUBPROTOCOL, STREAMS_POLL_MS, streamsPath, tokenMatches, type StreamsInfo, type StreamsOptions } from './server';
