import Foundation

/// `ca_file:` of an `imap:` or `smtp:` section, checked when the config is read: otherwise a
/// wrong path shows only at the first connection, as libcurl's terse "error setting certificate file".
enum CAFileCheck {
    static func path(in fields: YAMLFields) throws(ConfigError) -> String? {
        guard let path = try fields.optionalString("ca_file") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fields.error("ca_file", "\(path) does not exist; give the PEM file with the certificate of the CA that signed the server's certificate")
        }
        guard !isDirectory.boolValue else {
            throw fields.error("ca_file", "\(path) is a folder; give the CA's certificate file (PEM)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fields.error("ca_file", "cannot read \(path); make it readable by the user helpdesk runs as")
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw fields.error("ca_file", "\(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
                + "convert a DER one with: openssl x509 -inform der -in FILE -out FILE.pem")
        }
        return path
    }
}
