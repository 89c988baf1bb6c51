import Foundation
@testable import Gateway
import HelpdeskCore
import MailgateTestSupport

/// Template folders for tests: the shipped set copied, with changes on top.
enum TemplateDirectory {
    /// The shipped templates (unless `shipped` is false), then `files` by relative path; an
    /// empty text removes the file.
    static func make(_ files: [String: String], shipped: Bool = true) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        var all: [String: String] = [:]
        if shipped {
            let root = RepoPaths.templates.path
            for case let relative as String in FileManager.default.enumerator(atPath: root)! where relative.hasSuffix(".mustache") {
                all[relative] = try String(contentsOfFile: (root as NSString).appendingPathComponent(relative), encoding: .utf8)
            }
        }
        all.merge(files) { _, new in new }
        for (name, text) in all where !text.isEmpty {
            let path = directory.url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: path, atomically: true, encoding: .utf8)
        }
        return directory
    }
}

extension TemplateLibrary {
    /// Renders `event` from sample values, choosing templates as mail to `languages` would.
    func renderForTest(_ event: MailEvent, mailbox: String, languages: [String] = []) throws -> RenderedTemplate {
        guard let choice = choose(event: event, mailbox: mailbox, languages: languages.compactMap(LanguageTag.init)) else {
            throw TemplateProblem(file: directory, problem: "no template for \(event.rawValue)")
        }
        return try render(choice, values: .sample)
    }
}
