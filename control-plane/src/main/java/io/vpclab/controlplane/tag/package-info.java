/**
 * Tags on resources of every kind, keyed by the resource's ID, for the EC2 actions and the REST API
 * ({@code /api/v1/tags}) alike: at most
 * {@value io.vpclab.controlplane.tag.TagService#MAX_TAGS_PER_RESOURCE} per resource, as AWS allows.
 * {@link io.vpclab.controlplane.tag.TaggedResources} finds each resource through its own service,
 * so another tenant's answers as not found; a resource with a name of its own has it as its
 * {@code Name} tag (no row here). Rows per tenant = tags set beyond names. A resource's tags go
 * when its feature publishes its delete, a tenant's when the tenant goes.
 */
package io.vpclab.controlplane.tag;
