import CCurl
import Foundation

/// The server a TLS connection went to, as a refused connection's message names it.
struct TLSPeer {
    /// `host:port` from the URL.
    var authority = ""
    /// The host name (or address) the certificate must name.
    var host = ""
    /// The scheme of the URL (`imap`, `smtps` …): says which TLS port to suggest.
    var scheme = ""
    var caFile: String?

    /// Says which TLS check refused the connection and what to do, or nil when `code` is not a TLS
    /// failure. `verifyResult` is OpenSSL's X509_V_ERR_… (CURLINFO_SSL_VERIFYRESULT), `detail`
    /// libcurl's error buffer, `subject` the certificate's subject that libcurl logged, if any.
    func explanation(code: CURLcode, verifyResult: Int, detail: String, subject: String?) -> String? {
        let detail = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        let certificate = "the certificate of \(authority)"
        let text = detail.lowercased()
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION:
            // OpenSSL's verify code is exact; the text is the fallback should a backend not set it.
            switch verifyResult {
            case 10: return "\(certificate) has expired (\(detail)); renew it on the server"
            case 9: return "\(certificate) is not valid yet (\(detail)); check the clocks of this machine and of the server"
            case 23: return "\(certificate) has been revoked (\(detail)); the server needs a new certificate"
            case 2, 18, 19, 20, 21, 27: return untrusted(certificate, detail)
            case 62, 64: return wrongHost(certificate, detail, subject)
            default: break
            }
            if text.contains("expired") { return "\(certificate) has expired (\(detail)); renew it on the server" }
            if text.contains("target host name") || text.contains("does not match") { return wrongHost(certificate, detail, subject) }
            if text.contains("issuer certificate") || text.contains("self-signed") || text.contains("self signed") {
                return untrusted(certificate, detail)
            }
            return "\(certificate) was refused (\(detail)); see what it holds with: openssl s_client -connect \(authority)"
        case CURLE_USE_SSL_FAILED:
            let tlsScheme = scheme.hasPrefix("smtp") ? "smtps://" : "imaps://"
            return "\(authority) does not offer STARTTLS, and Mailgate never logs in or sends mail in clear (\(detail)); "
                + "turn on STARTTLS at the server, or use \(tlsScheme) if it has a TLS port"
        case CURLE_SSL_CACERT_BADFILE:
            return "ca_file \(caFile ?? "(none)") cannot be used (\(detail)); it must be a readable PEM file holding the CA's certificate"
        case CURLE_SSL_CONNECT_ERROR:
            if text.contains("protocol version") || text.contains("unsupported protocol") || text.contains("no protocols available") {
                return "\(authority) offers only TLS versions older than 1.2, which Mailgate refuses (\(detail)); turn on TLS 1.2 or 1.3 at the server"
            }
            if text.contains("wrong version number") || text.contains("packet length too long") {
                return "\(authority) does not answer in TLS (\(detail)); this port may be a plain one: use the server's TLS port, or STARTTLS on its plain port"
            }
            return "the TLS handshake with \(authority) failed (\(detail)); check that this port speaks TLS and that the server offers TLS 1.2 or later, which Mailgate needs"
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_ENGINE_INITFAILED:
            return "TLS with \(authority) failed (\(detail))"
        default:
            return nil
        }
    }

    private func untrusted(_ certificate: String, _ detail: String) -> String {
        guard let caFile else {
            return "\(certificate) is signed by a CA this machine does not trust (\(detail)); set ca_file: to the CA's certificate (PEM) if the server uses a private CA"
        }
        return "\(certificate) is signed by a CA that neither ca_file \(caFile) nor this machine trusts (\(detail)); set ca_file: to the certificate of the CA that signed it"
    }

    private func wrongHost(_ certificate: String, _ detail: String, _ subject: String?) -> String {
        let advice = "use the host name the certificate names in the url"
        guard let name = subject.flatMap(Self.commonName) else {
            return "\(certificate) was not issued for \(host) (\(detail)); \(advice)"
        }
        return "\(certificate) was issued for \(name), not \(host) (\(detail)); \(advice)"
    }

    /// The CN of a subject as libcurl prints it (`CN=mail.example.com`, `C=DE, O=x, CN = y`), else
    /// the whole subject; nil for an empty one.
    static func commonName(of subject: String) -> String? {
        let parts = subject.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "/" || $0 == "+" })
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0] == "CN", !pair[1].isEmpty { return pair[1] }
        }
        let whole = subject.trimmingCharacters(in: .whitespaces)
        return whole.isEmpty || whole == "[NONE]" ? nil : whole
    }
}
