// Bandwidth SIP credentials and realms as Pulumi resources.
package bandwidth
