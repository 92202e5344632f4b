import BankGateFuzzTargets
#if canImport(Glibc)
import Glibc
#endif

/// `bankgate-fuzz`: the decoders' fuzz targets (``FuzzTargets/decoders``); see ``FuzzDriver``.
@main
enum BankGateFuzz {
    static func main() {
        exit(FuzzDriver.main(targets: FuzzTargets.decoders))
    }
}
