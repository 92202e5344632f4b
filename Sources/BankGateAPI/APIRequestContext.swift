public import Hummingbird

/// The request context of the bankgate API. Authentication is done per route (each route names
/// the scopes it needs), so the context carries nothing beyond Hummingbird's core storage.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
