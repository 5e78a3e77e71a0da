import { MemoryStore } from "../../../adapters/store/memory.ts";
import { storeContract } from "./_store_case.ts";

storeContract("memory", () => new MemoryStore());
