// The Network Bridge example (examples/basic) in TypeScript, on the bandwidth package
// provider through its npm package @bw-pulumi/bandwidth. From this directory:
//   ../../scripts/pack-nodejs-sdk   (writes ../../dist/bw-pulumi-bandwidth-<version>.tgz)
//   npm install, then a stack with the config of the README, and pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as bandwidth from "@bw-pulumi/bandwidth";

const config = new pulumi.Config();
const realm = config.get("realm") ?? "custxx.auth.bandwidth.com";
const sipPort = config.getNumber("sipPort") ?? 5006;

const bridge = new bandwidth.SipCredential("network-bridge", {
    username: "twilio-bridge",
    password: config.requireSecret("bridgePassword"),
    realm: realm,
});
const office = ["pbx", "pbx-backup"].map(
    (username) =>
        new bandwidth.SipCredential(`office-${username}`, {
            username: username,
            domain: "office.example.com",
            password: config.requireSecret("pbxPassword"),
            realm: realm,
        }),
);

export const credentials = [bridge, ...office].map((c) => c.compositeUsername);
// What Twilio needs to place a Network Bridge call through Bandwidth.
export const networkBridgeTo = `sip:{E.164 number}@${realm}:${sipPort}`;
export const networkBridgeSipAuthUsername = bridge.compositeUsername;
export const networkBridgeSipAuthPassword = bridge.password;
