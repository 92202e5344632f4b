import ArgumentParser
import BankGateCore
import BankGateCrypto
import BankGateRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KeysCommand {
    /// Where the passphrase that encrypts a written key comes from: `--passphrase-env VAR`, or none
    /// with an explicit `--no-passphrase`.
    struct OutputPassphrase: ParsableArguments {
        @Option(name: .customLong("passphrase-env"),
                help: ArgumentHelp("The environment variable holding the passphrase that encrypts the written key.", valueName: "var"))
        var variable: String?

        @Flag(name: .customLong("no-passphrase"), help: "Write the private key unencrypted (test material only).")
        var none = false

        func validate() throws {
            if variable != nil, none { throw ValidationError("give either --passphrase-env or --no-passphrase, not both") }
            if variable == nil, !none {
                throw ValidationError("refusing to write an unencrypted private key: give --passphrase-env VAR, or --no-passphrase explicitly")
            }
        }

        /// The passphrase bytes; nil with `--no-passphrase`.
        func bytes() throws -> [UInt8]? {
            guard let variable else { return nil }
            return try environmentPassphrase(variable)
        }
    }

    /// `bankgate keys generate`: a new key and a self-signed certificate (and a CSR).
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate", abstract: "Generate a private key and a self-signed certificate (and optionally a CSR).",
            discussion: "The key is written as encrypted PKCS#8 PEM (AES-256-CBC, PBKDF2) with the passphrase from --passphrase-env. Every file is created with mode 0600 and never replaces an existing file. The self-signed certificate is for tests and onboarding; send the CSR (--csr) to the bank's CA for the real one.")

        @Option(help: ArgumentHelp("rsa (2048 bits, signs rsa-sha256) or sm2 (signs sm2-sm3).", valueName: "rsa|sm2"))
        var algorithm: String
        @Option(name: .customLong("out-key"), help: ArgumentHelp("The private key file to create.", valueName: "file"))
        var outKey: String
        @Option(name: .customLong("out-cert"), help: ArgumentHelp("The certificate file to create.", valueName: "file"))
        var outCert: String
        @Option(help: ArgumentHelp("A certificate signing request file to create too.", valueName: "file"))
        var csr: String?
        @Option(help: ArgumentHelp("The subject, most specific first: \"CN=ACME Treasury,O=ACME,C=CN\".", valueName: "dn"))
        var subject: String
        @Option(help: "Days of validity of the self-signed certificate, from now (1–36500).")
        var days = 365
        @Option(name: .customLong("sm2-user-id"), help: ArgumentHelp("The SM2 user id the signatures bind (default 1234567812345678).", valueName: "id"))
        var sm2UserID: String?
        @OptionGroup var passphrase: OutputPassphrase

        func validate() throws {
            guard ["rsa", "sm2"].contains(algorithm) else { throw ValidationError("--algorithm must be rsa or sm2, not \(algorithm)") }
            guard (1...36_500).contains(days) else { throw ValidationError("--days must be between 1 and 36500") }
            if sm2UserID != nil, algorithm != "sm2" { throw ValidationError("--sm2-user-id is only for --algorithm sm2") }
        }

        func run() throws {
            let passphrase = try passphrase.bytes()
            let outputs = [outKey, outCert] + (csr.map { [$0] } ?? [])
            try refuseExisting(outputs)
            do {
                let key = try algorithm == "sm2" ? SigningKey.generateSM2() : SigningKey.generateRSA(bits: 2048)
                let details = CertificateRequestDetails(subject: subject, sm2UserID: sm2UserID.map { Array($0.utf8) })
                let now = SystemClock().now()
                // A minute back, so that a bank's clock a little behind ours accepts the certificate at once.
                let certificate = try Certificate.selfSigned(key: key, details: details, notBefore: now.adding(milliseconds: -60_000),
                                                             notAfter: now.adding(milliseconds: Int64(days) * 86_400_000))
                var files: [(path: String, bytes: [UInt8])] = [(outKey, try key.pkcs8PEM(passphrase: passphrase)), (outCert, Array(certificate.pemRepresentation.utf8))]
                if let csr { files.append((csr, try Certificate.signingRequestPEM(key: key, details: details))) }
                try createPrivateFiles(files)
                print("wrote \(outKey) (\(key.algorithm) \(key.bits) bits, \(passphrase == nil ? "NOT encrypted" : "encrypted")) and \(outCert): \(certificate.facts.subject), serial \(certificate.facts.serialNumber), until \(certificate.facts.notAfter.iso8601Seconds)" + (csr.map { ", and \($0)" } ?? ""))
            } catch let error as CryptoError {
                throw commandFailure("\(error)")
            }
        }
    }

    /// `bankgate keys import`: a bank's `.p12`/`.pfx` split into a key PEM and a certificate PEM.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Split a PKCS#12 (.p12/.pfx) file into an encrypted PKCS#8 key and a certificate PEM.",
            discussion: "The key is encrypted with the passphrase from --key-passphrase-env, by default the PKCS#12 file's own (--passphrase-env). The certificate file holds the key's certificate first, then the chain the file carried. Files are created with mode 0600 and never replace an existing file.")

        @Option(help: ArgumentHelp("The PKCS#12 file.", valueName: "file")) var pkcs12: String
        @Option(name: .customLong("passphrase-env"), help: ArgumentHelp("The environment variable holding the PKCS#12 file's passphrase.", valueName: "var"))
        var passphraseEnv: String
        @Option(name: .customLong("key-passphrase-env"),
                help: ArgumentHelp("The environment variable holding the passphrase for the written key (default: --passphrase-env's).", valueName: "var"))
        var keyPassphraseEnv: String?
        @Flag(name: .customLong("no-passphrase"), help: "Write the private key unencrypted (test material only).")
        var noPassphrase = false
        @Option(name: .customLong("out-key"), help: ArgumentHelp("The private key file to create.", valueName: "file")) var outKey: String
        @Option(name: .customLong("out-cert"), help: ArgumentHelp("The certificate file to create.", valueName: "file")) var outCert: String

        func validate() throws {
            if keyPassphraseEnv != nil, noPassphrase { throw ValidationError("give either --key-passphrase-env or --no-passphrase, not both") }
        }

        func run() throws {
            let filePassphrase = try environmentPassphrase(passphraseEnv)
            var keyPassphrase: [UInt8]? = filePassphrase
            if noPassphrase {
                keyPassphrase = nil
            } else if let keyPassphraseEnv {
                keyPassphrase = try environmentPassphrase(keyPassphraseEnv)
            }
            try refuseExisting([outKey, outCert])
            guard let bytes = FileManager.default.contents(atPath: pkcs12) else { throw commandFailure("cannot read \(pkcs12)") }
            do {
                let identity = try SigningIdentity.pkcs12(Array(bytes), passphrase: filePassphrase)
                let certificates = ([identity.certificate] + identity.chain).map(\.pemRepresentation).joined()
                try createPrivateFiles([(outKey, try identity.key.pkcs8PEM(passphrase: keyPassphrase)), (outCert, Array(certificates.utf8))])
                let facts = identity.certificate.facts
                print("wrote \(outKey) (\(identity.key.algorithm) \(identity.key.bits) bits, \(keyPassphrase == nil ? "NOT encrypted" : "encrypted")) and \(outCert): \(facts.subject), issued by \(facts.issuer), serial \(facts.serialNumber), until \(facts.notAfter.iso8601Seconds)\(identity.chain.isEmpty ? "" : ", with \(identity.chain.count) chain certificates")")
            } catch let error as CryptoError {
                throw commandFailure("\(pkcs12): \(error)")
            }
        }
    }
}

/// The passphrase in the environment variable `variable`, refusing an unset or empty one.
private func environmentPassphrase(_ variable: String) throws -> [UInt8] {
    guard let value = ProcessInfo.processInfo.environment[variable] else {
        throw commandFailure("the environment variable \(variable) is not set")
    }
    guard !value.isEmpty else { throw commandFailure("the environment variable \(variable) is empty") }
    return Array(value.utf8)
}

/// Fails, writing nothing, when any of `paths` exists already (a file, a link, anything).
private func refuseExisting(_ paths: [String]) throws {
    guard Set(paths).count == paths.count else { throw commandFailure("the output files must be distinct") }
    var status = stat()
    for path in paths where lstat(path, &status) == 0 {
        throw commandFailure("\(path) exists already; bankgate never replaces a key or certificate file")
    }
}

/// ``PrivateFiles/create(_:)``, its failure as the command's.
private func createPrivateFiles(_ files: [(path: String, bytes: [UInt8])]) throws {
    do {
        try PrivateFiles.create(files)
    } catch {
        throw commandFailure(error.description)
    }
}
