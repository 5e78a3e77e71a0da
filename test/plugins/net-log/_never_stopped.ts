/**
 * A program that starts the net log and ends without stopping it (net_log_test.ts runs it as a
 * child process): it must exit, with its events in the file.
 *
 * @module
 */
import process from "node:process";
import { session } from "../../../mod.ts";

const ses = session.fromPartition("never-stopped");
await ses.ready;
await ses.netLog.startLogging(process.argv[process.argv.length - 1]);
await (await ses.fetch("data:text/plain,hi")).text();
console.log("done");
