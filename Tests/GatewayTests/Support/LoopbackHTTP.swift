import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One HTTP request to a server a test started. URLSession's own threads do the work, so no Swift
/// concurrency thread is held waiting; redirects are returned, not followed.
enum LoopbackHTTP {
    /// Status, body and the header fields a test reads.
    struct Response: Sendable {
        var status: Int
        var body: Data
        var contentType: String?
        var location: String?
    }

    /// nil when nothing answered within `timeout` seconds.
    static func request(_ url: URL, method: String = "GET", form: String? = nil, timeout: Double = 10) -> Response? {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Response?>(nil)
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        let task = session.dataTask(with: request) { data, response, _ in
            if let http = response as? HTTPURLResponse {
                result.withLock {
                    $0 = Response(status: http.statusCode, body: data ?? Data(), contentType: http.value(forHTTPHeaderField: "Content-Type"),
                                  location: http.value(forHTTPHeaderField: "Location"))
                }
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut { task.cancel() }
        session.finishTasksAndInvalidate()
        return result.withLock { $0 }
    }
}

/// Lets a test see a redirect instead of following it to a page that does not exist.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
