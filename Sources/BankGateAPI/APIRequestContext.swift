public import Hummingbird

/// The request context of the bankgate API. Authentication is done per route (each route names
/// the scopes it needs); the context carries the peer's address, for the record of refused requests.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, when the connection has one.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}
