import { describe, it, after, before } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { Authenticator } from "../../auth/authenticator.js";
import { IamDirectory } from "../../auth/iam-directory.js";
import { SecretBox } from "../../auth/secret-box.js";
import { eachStore } from "../../../test/support/each-store.js";
import type { Store } from "../../state/store.js";
import { createQueryDispatcher } from "../aws-query/dispatcher.js";
import { stsService } from "../sts/service.js";
import { frontDoorOptions, signedRequest, testKey, testPartition } from "../testing.js";
import { iamService } from "./service.js";

const parse = (body: string | Uint8Array) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false }).parse(String(body)) as Record<string, Record<string, unknown>>;

/** IAM and STS behind the Query front door, on `store`. */
function inProcessIam(store: Store) {
  const box = SecretBox.ofKey(randomBytes(32));
  const deps = { store, box, partition: testPartition, directory: new IamDirectory({ store, box, partition: testPartition }) };
  const authenticator = new Authenticator({ rootKey: testKey, partition: testPartition, iam: deps.directory, agentCredential: () => Promise.resolve(undefined) });
  const dispatch = createQueryDispatcher({ ...frontDoorOptions, authenticator, services: [iamService(deps), stsService(deps)] });
  return async (action: string, params: Record<string, string> = {}) => {
    const body = new URLSearchParams({ Action: action, Version: "2010-05-08", ...params }).toString();
    const res = await dispatch(await signedRequest({ service: "iam", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body }));
    return { status: res.status, doc: parse(res.body) };
  };
}

for (const { name: storeName, open } of eachStore()) describe(`IAM in process (Query front door, ${storeName})`, () => {
  let store: Store;
  let call: ReturnType<typeof inProcessIam>;
  before(async () => {
    store = await open();
    call = inProcessIam(store);
  });
  after(() => store.close());

  it("answers in IAM's XML shape: <CreateUserResponse xmlns=…><CreateUserResult><User>…, lists as <member>", async () => {
    const created = await call("CreateUser", { UserName: "shape", Path: "/team/", "Tags.member.1.Key": "k", "Tags.member.1.Value": "v" });
    assert.equal(created.status, 200);
    const response = created.doc.CreateUserResponse!;
    assert.equal(response["@_xmlns"], "https://iam.amazonaws.com/doc/2010-05-08/");
    const user = (response.CreateUserResult as Record<string, Record<string, unknown>>).User!;
    assert.equal(user.Arn, "arn:aws:iam::123456789012:user/team/shape");
    assert.equal(user.Path, "/team/");
    assert.match(String(user.UserId), /^AIDA[A-Z2-7]{17}$/);
    assert.match(String(user.CreateDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(user.Tags, { member: { Key: "k", Value: "v" } });
    const listed = await call("ListUsers");
    const result = listed.doc.ListUsersResponse!.ListUsersResult as Record<string, unknown>;
    assert.equal(result.IsTruncated, "false");
    assert.equal(((result.Users as Record<string, Record<string, unknown>>).member as Record<string, unknown>).UserName, "shape");
  });

  it("names are unique regardless of case, as IAM's are", async () => {
    const again = await call("CreateUser", { UserName: "SHAPE" });
    assert.equal(again.status, 409);
    assert.deepEqual(again.doc.ErrorResponse!.Error, { Type: "Sender", Code: "EntityAlreadyExists", Message: "User with name SHAPE already exists." });
  });

  // Bad input gets a 4xx in IAM's words and changes nothing: never a 5xx, whatever the parameters.
  const actions = ["CreateUser", "PutUserPolicy", "CreateRole", "CreatePolicy", "AttachUserPolicy", "CreateAccessKey", "UpdateAccessKey", "SimulatePrincipalPolicy", "CreatePolicyVersion", "DeleteUser", "UpdateAssumeRolePolicy"];
  const names = ["UserName", "RoleName", "PolicyName", "PolicyDocument", "AssumeRolePolicyDocument", "PolicyArn", "Path", "AccessKeyId", "Status", "MaxSessionDuration", "ActionNames.member.1", "Tags.member.1.Key", "PolicySourceArn", "SetAsDefault"];
  const values = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("", "/", "x".repeat(300), "{}", '{"Version":"2012-10-17","Statement":[]}', "arn:aws:iam::123456789012:policy/none", "Active", "-1", "99999999999", "true", "{\"Statement\":{\"Effect\":\"Allow\"}}"),
  );
  it("property: random parameters never bring a 5xx, and a refused call leaves IAM as it was", async () => {
    const snapshot = () => store.read(async (tx) => JSON.stringify([await tx.iam.users.list(), await tx.iam.roles.list(), await tx.iam.policies.list()]));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions), fc.dictionary(fc.constantFrom(...names), values, { maxKeys: 5 }), async (action, params) => {
        const before = await snapshot();
        const res = await call(action, params);
        assert.ok(res.status < 500, `${action} ${JSON.stringify(params)} → ${res.status} ${JSON.stringify(res.doc)}`);
        if (res.status >= 400) assert.equal(await snapshot(), before, `${action} was refused but changed IAM`);
      }),
      { numRuns: 300 },
    );
  });
});
