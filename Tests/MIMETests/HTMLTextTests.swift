import Testing
@testable import MIME

@Suite("HTML to text")
struct HTMLTextTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("line<br>break<br/>again<BR >", "line\nbreak\nagain"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("<b>bold</b>   and\n\n  <i>italic</i>", "bold and italic"),
        ("<script type=\"x\">var a = '<p>';</script>after", "after"),
        ("<STYLE>p { }</STYLE>styled", "styled"),
        ("<!-- a comment <p> -->visible", "visible"),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#39; &#x41;&#66; &euro; &hellip;", "<tag> & \"q\" 's' AB € …"),
        ("&unknown; & alone &amp", "&unknown; & alone &"),
        ("&#0; &#xFFFFFF; &#55296;", "\u{FFFD} \u{FFFD} \u{FFFD}"),
        ("a < b and c > d", "a < b and c > d"),
        ("<p>x</p><br><br><br><br><p>y</p>", "x\n\ny"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<pre>  keep\n    indent</pre>", "  keep\n    indent"),
        ("<a href=\"x>y\">link</a>", "link (x>y)"),
        ("see <a href=\"https://x.test/a?b=1&amp;c=2\">the docs</a>.", "see the docs (https://x.test/a?b=1&c=2)."),
        ("<a HREF='https://x.test'>https://x.test</a>", "https://x.test"),
        ("<a href=mailto:help@x.test>help@x.test</a>", "help@x.test"),
        ("<a href=\"mailto:help@x.test\">write to us</a>", "write to us (help@x.test)"),
        ("<a href=\"#top\">top</a>", "top"),
        ("<a href=\"javascript:alert(1)\">x</a>", "x"),
        ("<a data-href=\"u\" name=n>anchor</a>", "anchor"),
        ("<a href=\"u\"><img src=i></a>", ""),
        ("<a href=\"u\">unclosed", "unclosed"),
        ("</a>stray close", "stray close"),
        ("<p class=it's>text</p>", "text"),
        ("<title>unclosed title<p>body", "unclosed title\n\nbody"),
        ("<h1>Title</h1>text", "Title\n\ntext"),
        ("<p>unclosed <b", "unclosed"),
        ("<script>never closed", ""),
        ("<!DOCTYPE html><html><body>Hi</body></html>", "Hi"),
        ("Café&nbsp;&nbsp;crème", "Café  crème"),
        ("", ""),
    ])
    func renders(html: String, expected: String) {
        #expect(HTMLText.render(html) == expected)
    }
}
