/**
 * Tags on resources of every kind, keyed by the resource's ID: at most
 * {@value io.vpclab.controlplane.tag.TagService#MAX_TAGS_PER_RESOURCE} per resource, as AWS
 * allows. The tag store checks no resource itself; its callers check the resource is the caller's.
 * A resource's tags go when its feature publishes its delete, a tenant's when the tenant goes.
 */
package io.vpclab.controlplane.tag;
