/**
 * Problems found in a YAML or JSON document (a topology file, a forwarding table) and where
 * they are: one problem record and one map from JSON pointer to line and column, shared by the
 * topology tool and the agent so that both report a bad value the same way.
 */
package io.vpclab.client.document;
