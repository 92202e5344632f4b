import BankGateCore

/// CMB's reading of one payment's result, the same behind the front-end program (`REQSTS`,
/// `RTNFLG`, `ERRCOD`) and the cloud API (`reqSts`, `rtnFlg`, `errCod`): a business error code with a
/// category of its own decides; else the request status, and once it is final (`FIN`) the result
/// flag. Whatever the bank's table does not know is unknown, never success.
enum CMBResultRule {
    /// The payment status; each lookup is the bank's code table for that kind of code.
    static func status(errorCode: String?, requestStatus: String?, resultFlag: String?,
                       errorCategory: (String) -> BankCodeCategory?, requestCategory: (String) -> BankCodeCategory?,
                       resultCategory: (String) -> BankCodeCategory?) -> PaymentStatus {
        if let errorCode, let category = errorCategory(errorCode) {
            return category.paymentStatus ?? .unknown
        }
        guard let requestStatus, let request = requestCategory(requestStatus) else { return .unknown }
        guard request == .final else { return request.paymentStatus ?? .unknown }
        guard let resultFlag, let result = resultCategory(resultFlag) else { return .unknown }
        return result.paymentStatus ?? .unknown
    }
}
