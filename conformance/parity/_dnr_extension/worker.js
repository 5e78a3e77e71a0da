// The oracle's side of the DNR differential test: the recorder calls run(case) through CDP.
// Rules replace the session rules; each request is asked about with testMatchOutcome.
globalThis.run = async (c) => {
  const old = await chrome.declarativeNetRequest.getSessionRules();
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: old.map((r) => r.id) });
  try {
    await chrome.declarativeNetRequest.updateSessionRules({ addRules: c.rules });
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
  const outcomes = [];
  for (const request of c.requests) {
    try {
      const { matchedRules } = await chrome.declarativeNetRequest.testMatchOutcome(request);
      outcomes.push(matchedRules.map((m) => m.ruleId));
    } catch (error) {
      outcomes.push({ error: String(error && error.message || error) });
    }
  }
  return { outcomes };
};
