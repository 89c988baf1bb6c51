import Foundation
import HelpdeskCore
import Mustache
import Synchronization

/// Reads `templates/`: which folder means what, every file's syntax, nothing about values yet.
struct TemplateFolderReader {
    let directory: String
    /// Configured mailbox names; nil when unknown, and then any folder that is not a language
    /// is taken for a mailbox.
    let mailboxes: [String]?

    func read() -> (TemplateLibrary, [TemplateProblem]) {
        var files: [TemplateScope: [String: TemplateFile]] = [:]
        var unread: Set<String> = []
        var problems: [TemplateProblem] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            let problem = TemplateProblem(file: directory, problem: "template directory not found; pass --templates or create it")
            return (TemplateLibrary(directory: directory, files: files, unread: unread), [problem])
        }
        _ = MailHTMLContentType.registered
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".mustache"), !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { paths.append(relative) }
        }
        paths.sort()
        let parsed = Self.parse(paths.map { (directory as NSString).appendingPathComponent($0) })
        for (index, relative) in paths.enumerated() {
            let path = (directory as NSString).appendingPathComponent(relative)
            var components = relative.split(separator: "/").map(String.init)
            let fileName = components.removeLast()
            let scope: TemplateScope
            switch self.scope(of: components) {
            case .success(let found): scope = found
            case .failure(let problem):
                problems.append(TemplateProblem(file: path, problem: problem.description))
                continue
            }
            let isHTML = fileName.hasSuffix(".html.mustache")
            let name = String(fileName.dropLast(isHTML ? ".html.mustache".count : ".mustache".count))
            // Known to exist, so the check does not also call it missing or unknown.
            unread.insert(scope.folder + (isHTML ? "\(name).html" : name))
            guard !name.isEmpty, !name.contains(".") else {
                problems.append(TemplateProblem(
                    file: path, problem: "a template is named <name>.mustache or <name>.html.mustache; '\(fileName)' is neither"))
                continue
            }
            guard let (syntax, result) = parsed[index] else {
                problems.append(TemplateProblem(file: path, problem: "cannot read the file as UTF-8 text"))
                continue
            }
            guard syntax.problems.isEmpty, let result else {
                problems += syntax.problems.map { TemplateProblem(file: path, line: $0.line, column: $0.column, problem: $0.message) }
                continue
            }
            do {
                let template = try result.get()
                let file = TemplateFile(scope: scope, name: name, isHTML: isHTML, path: path, syntax: syntax, template: template)
                files[scope, default: [:]][file.key] = file
                unread.remove(scope.folder + file.key)
            } catch let error as MustacheTemplate.ParserError {
                // Our own reading found nothing; this is what the library saw.
                problems.append(TemplateProblem(file: path, line: max(error.context.lineNumber - 1, 1), problem: "template syntax: \(error.error)"))
            } catch {
                problems.append(TemplateProblem(file: path, problem: "template syntax: \(error)"))
            }
        }
        return (TemplateLibrary(directory: directory, files: files, unread: unread), problems)
    }

    /// Each file read, checked and parsed, on every core: a third of a poll's start-up went
    /// here, one file after another. Nil for a file that is not UTF-8 text; the library's parse
    /// only for a file whose syntax we found sound.
    private static func parse(_ paths: [String]) -> [(TemplateSyntax, Result<MustacheTemplate, any Error>?)?] {
        let results = Mutex([(TemplateSyntax, Result<MustacheTemplate, any Error>?)?](repeating: nil, count: paths.count))
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let path = paths[index]
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return }
            let syntax = TemplateSyntax(text)
            // On a line of its own, so a tag on the file's first line still stands alone.
            let pragma = "{{% CONTENT_TYPE: \(path.hasSuffix(".html.mustache") ? MailHTMLContentType.name : "TEXT") }}\n"
            let template = syntax.problems.isEmpty ? Result { try MustacheTemplate(string: pragma + text) } : nil
            results.withLock { $0[index] = (syntax, template) }
        }
        return results.withLock { $0 }
    }

    /// What a folder path under `templates/` means.
    private func scope(of folders: [String]) -> Result<TemplateScope, FolderProblem> {
        switch folders.count {
        case 0:
            return .success(.root)
        case 1:
            if let mailboxes, mailboxes.contains(folders[0]) { return .success(TemplateScope(mailbox: folders[0], language: nil)) }
            if let language = LanguageTag(folders[0]) { return .success(TemplateScope(mailbox: nil, language: language)) }
            if mailboxes == nil { return .success(TemplateScope(mailbox: folders[0], language: nil)) }
            return .failure(FolderProblem(folder: folders[0], mailboxes: mailboxes ?? []))
        case 2:
            guard mailboxes?.contains(folders[0]) ?? true else { return .failure(FolderProblem(folder: folders[0], mailboxes: mailboxes ?? [])) }
            guard let language = LanguageTag(folders[1]) else {
                return .failure(FolderProblem(folder: folders.joined(separator: "/"), mailboxes: [], insideMailbox: true))
            }
            return .success(TemplateScope(mailbox: folders[0], language: language))
        default:
            return .failure(FolderProblem(folder: folders.joined(separator: "/"), mailboxes: [], tooDeep: true))
        }
    }

    /// A folder under `templates/` that means nothing, in words that say what it could be.
    private struct FolderProblem: Error, CustomStringConvertible {
        var folder: String
        var mailboxes: [String]
        var insideMailbox = false
        var tooDeep = false

        var description: String {
            if tooDeep {
                return "folder '\(folder)' is too deep: templates go in templates/, templates/<mailbox>/, templates/<language>/ or templates/<mailbox>/<language>/"
            }
            if insideMailbox {
                return "folder '\(folder)' is not a language: a mailbox's folder may only hold language folders such as de or pt-BR"
            }
            let known = mailboxes.isEmpty ? "no mailbox is configured" : "mailboxes: \(mailboxes.sorted().joined(separator: ", "))"
            let guess = ClosestName.to(folder, among: mailboxes).map { "; did you mean '\($0)'?" } ?? ""
            return "folder '\(folder)' names no mailbox (\(known)) and no language (such as de or pt-BR)\(guess)"
        }
    }
}
