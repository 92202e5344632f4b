public import BankGateConfig
import BankGateCrypto
import HummingbirdTLS
import NIOCore
import HTTPTypes
import NIOHTTPTypes
import NIOSSL

/// HTTPS for the API, and the client certificate of each connection made known to the routes.
public struct APITLS: Sendable {
    /// The TLS context every API connection is served with.
    let context: NIOSSLContext

    /// Loads the certificate, key and client CAs of `config`.
    ///
    /// - Throws: `NIOSSLError` or a file error naming what could not be read.
    public init(_ config: APITLSConfig) throws {
        let chain = try NIOSSLCertificate.fromPEMFile(config.certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: config.privateKeyFile, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        if let clientCA = config.clientCAFile {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            tls.certificateVerification = config.clientCertificates == .required ? .noHostnameVerification : .optionalVerification
            tls.sendCANameList = true
        }
        context = try NIOSSLContext(configuration: tls)
    }

    /// The request header through which the connection's verified client certificate reaches the
    /// routes: the SHA-256 of its DER, in lowercase hex. Set only by ``ClientCertificateStamp``;
    /// a client sending it has it removed.
    static let certificateHeader = HTTPField.Name("X-Bankgate-Client-Certificate-SHA256")!
}

/// After HTTP decoding on a TLS connection: removes any client-sent
/// ``APITLS/certificateHeader`` from every request head and, when the handshake verified a client
/// certificate, sets it to that certificate's SHA-256.
final class ClientCertificateStamp: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// `nil` until looked up; the empty string for a connection without a certificate.
    private var fingerprint: String?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headerFields[APITLS.certificateHeader] = nil
        let fingerprint = self.fingerprint ?? lookUp(context)
        self.fingerprint = fingerprint
        if !fingerprint.isEmpty { head.headerFields[APITLS.certificateHeader] = fingerprint }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// The peer certificate the TLS handler verified (the handshake is over once a request head
    /// has been decoded).
    private func lookUp(_ context: ChannelHandlerContext) -> String {
        guard let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate(),
              let der = try? certificate.toDERBytes() else { return "" }
        return SHA256.hex(der)
    }
}

@available(*, unavailable)
extension ClientCertificateStamp: Sendable {}
