import BankGateFuzzIntake
import BankGateFuzzTargets
#if canImport(Glibc)
import Glibc
#endif

/// `bankgate-fuzz-intake`: the payment body reader's fuzz target (``PaymentJSONTargets``), in a
/// program of its own because it needs BankGateEngine; see ``FuzzDriver``.
@main
enum BankGateFuzzIntakeMain {
    static func main() {
        exit(FuzzDriver.main(targets: PaymentJSONTargets.all))
    }
}
