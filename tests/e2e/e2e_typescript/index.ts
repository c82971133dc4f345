// A platform team's TypeScript program on the npm package (@bw-pulumi/bandwidth), as
// tests/test_e2e_typescript.py deploys it from a temporary directory: a realm with one
// phone, and an account-level credential on the account's default realm.
import * as pulumi from "@pulumi/pulumi";
import * as bandwidth from "@bw-pulumi/bandwidth";

const config = new pulumi.Config();

const office = new bandwidth.SipRealm("office", {
    name: config.require("realmName"),
    description: "TypeScript e2e phones",
});
const phone = new bandwidth.SipCredential("ext100", {
    username: "ext100",
    password: config.requireSecret("phonePassword"),
    realm: office.fqdn,
    realmId: office.realmId,
});
const bridge = new bandwidth.SipCredential("bridge", {
    username: config.require("bridgeUsername"),
    password: config.requireSecret("bridgePassword"),
    realm: config.require("defaultRealm"),
});

export const realmFqdn: pulumi.Output<string> = office.fqdn;
export const phoneComposite: pulumi.Output<string> = phone.compositeUsername;
export const bridgeComposite: pulumi.Output<string> = bridge.compositeUsername;
