public import BankGateAdapters
public import BankGateCore
public import Logging

/// Keeps one signed-in session with a bank whose adapter is a ``SessionAdapter`` (BOC): signs in
/// on first use, shares the token between every message, signs in again after the bank refused
/// it. Sign-ins are serialised: a burst of messages after an expiry signs in once.
public actor SessionKeeper {
    let adapter: any SessionAdapter
    let transport: any BankTransport
    let password: String
    let clock: any WallClock
    let logger: Logger
    private var token: String?
    private var signingIn: Task<String, any Error>?

    public init(adapter: any SessionAdapter, transport: any BankTransport, password: String, clock: any WallClock, logger: Logger) {
        self.adapter = adapter
        self.transport = transport
        self.password = password
        self.clock = clock
        self.logger = logger
    }

    /// The session's token, signing in first when there is none.
    public func currentToken() async throws(SigningFailure) -> String {
        if let token { return token }
        let task = signingIn ?? Task { try await signIn() }
        signingIn = task
        defer { signingIn = nil }
        do {
            let fresh = try await task.value
            token = fresh
            return fresh
        } catch let failure as SigningFailure {
            throw failure
        } catch {
            throw SigningFailure("sign-in failed: \(error)")
        }
    }

    /// Forgets the token after the bank refused it: the next message signs in again.
    public func invalidate() {
        token = nil
    }

    private func signIn() async throws -> String {
        let request: EncodedMessage
        do {
            request = try adapter.encodeSignIn(password: password, at: clock.now(), messageId: IdentifierFactory.make("BGS"))
        } catch {
            throw SigningFailure("cannot write the sign-in: \(error)")
        }
        // The sign-in carries the password: it is sent, never archived or logged.
        switch await transport.query(request) {
        case .answered(let status, let body) where status == 200:
            do {
                let token = try adapter.readSessionToken(body)
                logger.info("signed in to the bank", metadata: ["adapter": "\(adapter.name)"])
                return token
            } catch {
                throw SigningFailure("the bank refused the sign-in: \(error)")
            }
        case .answered(let status, _):
            throw SigningFailure("the sign-in was answered HTTP \(status)")
        case .notSent(let reason), .unknown(let reason):
            throw SigningFailure("the sign-in did not reach the bank: \(reason)")
        case .delivered:
            throw SigningFailure("the sign-in has no answer on this transport")
        }
    }
}
