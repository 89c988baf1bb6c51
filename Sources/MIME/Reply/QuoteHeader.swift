/// What a quote header introduces, which decides what a message opening with one keeps.
enum QuoteHeader: Equatable {
    /// "On … wrote:" and its translations: the quoted message follows.
    case attribution
    /// "-----Original Message-----" and its translations: a reply's quoted history follows.
    case replySeparator
    /// "---------- Forwarded message ---------", "Begin forwarded message:": forwarded mail follows.
    case forwardSeparator
    /// "From: / Sent: / To: / Subject:" of a quoted or forwarded message, in any order.
    case fieldBlock
}
