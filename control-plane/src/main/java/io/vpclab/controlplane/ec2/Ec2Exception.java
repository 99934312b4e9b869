package io.vpclab.controlplane.ec2;

/**
 * A refusal of the EC2 endpoint, written as EC2's XML error. EC2 answers client errors with 400,
 * unknown credentials with 401 and a bad signature or a forbidden action with 403.
 */
class Ec2Exception extends RuntimeException {

    private final int status;
    private final String code;

    Ec2Exception(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static Ec2Exception badRequest(String code, String message) {
        return new Ec2Exception(400, code, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
