/**
 * Hand-written helpers over the generated table types, shared by the control plane (which
 * diffs generations into stream deltas) and the agent (which applies them).
 */
package io.vpclab.client.table;
