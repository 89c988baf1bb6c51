import HelpdeskCore
import MIME

extension IngestionPipeline {
    /// The sender's language: Content-Language of the message, else of its text part (clients
    /// that write multipart mail put it there), else Accept-Language.
    static func language(of message: Message) -> LanguageTag? {
        let textPart = message.root.allParts.first { $0.contentType.mediaType == "text/plain" && !$0.isAttachment }
        let contentLanguage = message.header["Content-Language"] ?? textPart?.header["Content-Language"]
        return LanguageTag.of(contentLanguage: contentLanguage, acceptLanguage: message.header["Accept-Language"])
    }
}
