/**
 * Static forwarding-table files ({@code --table}): YAML or JSON in the contract's
 * {@code ForwardingTable} schema, bound to the generated client model, validated completely
 * (every problem with its line, column and path) and translated into the data plane's
 * immutable {@code ForwardingState}. Nothing is applied unless the whole file is valid.
 */
package io.vpclab.agent.table;
