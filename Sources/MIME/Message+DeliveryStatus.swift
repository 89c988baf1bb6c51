extension Message {
    /// The delivery status notification this message carries (RFC 3464), or nil when it is not one.
    public var deliveryStatus: DeliveryStatusReport? {
        DeliveryStatusReport(message: self)
    }

    /// What this message says as a bounce, whichever form it came in, or nil when it is not one.
    public var bounce: BounceReport? {
        BounceReport(message: self)
    }
}
