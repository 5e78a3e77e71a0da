/**
 * What the startup benchmark times, as a new process: importing `mod.ts` and making one in-memory
 * session.
 *
 * @module
 */
import { session } from "../../mod.ts";

session.fromPartition("x");
