import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { defaultPasswordOptions, punctuation, randomPassword, type PasswordOptions } from "./password.js";

const make = (overrides: Partial<PasswordOptions> = {}, rng: (n: number) => number = randomInt) => randomPassword({ ...defaultPasswordOptions, ...overrides }, rng);
const has = (password: string, chars: string) => [...password].some((c) => chars.includes(c));
const types = { lower: "abcdefghijklmnopqrstuvwxyz", upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", digits: "0123456789", punctuation };

describe("GetRandomPassword's generator", () => {
  it("makes 32 characters by default, of every type, each at least once (property: 500 draws)", () => {
    for (let i = 0; i < 500; i++) {
      const p = make();
      assert.equal(typeof p, "string");
      assert.equal((p as string).length, 32);
      for (const [name, chars] of Object.entries(types)) assert.ok(has(p as string, chars), `${name} in ${p as string}`);
      assert.ok(!(p as string).includes(" "));
    }
  });

  it("leaves out excluded characters and types, and requires only the types left", () => {
    for (let i = 0; i < 200; i++) {
      const p = make({ length: 120, excludeCharacters: "xyzDje@?!.", excludeNumbers: true });
      assert.equal(typeof p, "string");
      assert.ok(!has(p as string, "xyzDje@?!." + types.digits), p as string);
    }
    const lettersOnly = make({ length: 4096, excludePunctuation: true, excludeNumbers: true, excludeUppercase: true });
    assert.match(lettersOnly as string, /^[a-z]{4096}$/);
    // Every digit excluded one by one: the digit type is gone, not required.
    assert.match(make({ length: 10, excludeCharacters: types.digits, excludePunctuation: true, excludeUppercase: true }) as string, /^[a-z]{10}$/);
  });

  it("adds the space only when asked", () => {
    const p = make({ length: 4000, includeSpace: true, excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true });
    assert.match(p as string, /^ {4000}$/);
  });

  it("puts the required characters anywhere (shuffled), not always first", () => {
    const firsts = new Set(Array.from({ length: 200 }, () => (make({ length: 4 }) as string)[0]));
    assert.ok(firsts.size > 20, `first characters seen: ${firsts.size}`);
  });

  it("is a function of its randomness", () => {
    const rng = () => 0;
    assert.equal(make({ length: 6 }, rng), make({ length: 6 }, rng));
  });

  it("refuses a length below the types it must hold, and a request that excludes everything", () => {
    assert.deepEqual(make({ length: 3 }), { problem: "Password length is too short based on the required types." });
    assert.equal(typeof make({ length: 3, requireEachIncludedType: false }), "string");
    assert.ok("problem" in (make({ excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true }) as object));
  });
});
