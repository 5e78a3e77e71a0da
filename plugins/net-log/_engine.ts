/**
 * What a net log needs once it starts (the constants, the recorder, the file writer and its
 * formatter), loaded with the first `startLogging()`: a session that never logs does not load it,
 * nor does a page, where logging is refused (the browser bundle keeps it in a chunk).
 *
 * @module
 */
export { netLogConstants } from "./constants.ts";
export { NetLogFileWriter } from "./file_sink.ts";
export { startFormatter } from "./formatter.ts";
export { fileOpenError } from "./file_error.ts";
export { NetLogRecorder, performanceClock } from "./recorder.ts";
