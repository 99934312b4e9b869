package io.vpclab.controlplane.ec2;

/** VPC Lab's resource name shown as EC2's Name tag (the only tag there is so far). */
final class Tags {

    private Tags() {}

    static Ec2Xml write(Ec2Xml xml, String name) {
        xml.open("tagSet");
        if (name != null) {
            xml.open("item").field("key", "Name").field("value", name).close();
        }
        return xml.close();
    }

    /** The Name tag of the request's TagSpecification, which is what VPC Lab calls a name. */
    static String name(Ec2Query query) {
        for (int spec = 1;
                query.string("TagSpecification." + spec + ".ResourceType").isPresent();
                spec++) {
            for (int tag = 1;
                    query.string("TagSpecification." + spec + ".Tag." + tag + ".Key")
                            .isPresent();
                    tag++) {
                String prefix = "TagSpecification." + spec + ".Tag." + tag;
                if ("Name".equals(query.string(prefix + ".Key").orElseThrow())) {
                    return query.string(prefix + ".Value").orElse("");
                }
            }
        }
        return null;
    }
}
