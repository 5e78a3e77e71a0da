import { transportCase } from "../../_cdp_transport_case.ts";
import { startChromium } from "../../../adapters/cdp/chromium.ts";

transportCase("pipe", async () => {
  const chromium = await startChromium({ pipe: true });
  return { chromium, transport: chromium.pipe! };
});
