import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkHostIp } from "./claims.js";

describe("checkHostIp: the agent's host address must be this machine's", () => {
  for (const address of ["0.0.0.0", "127.0.0.1", "127.0.0.2"]) {
    it(`accepts ${address}`, async () => {
      await checkHostIp(address);
    });
  }

  it("refuses an address the machine does not have, in one line naming the flag", async () => {
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
    await assert.rejects(checkHostIp("192.0.2.1"), /^Error: cannot publish task ports on 192\.0\.2\.1: this machine has no such address; choose another address with --host-ip or BERTH_HOST_IP/);
  });
});
