// EPUBCheck on many books in one JVM: start-up, class loading and schema compilation, most of a run's time,
// then happen once for all books. Each book gets the JSON report `epubcheck --json` writes.
// Usage: java -cp epubcheck.jar EpubCheckBatch.java <book.epub> <report.json> [<book.epub> <report.json>]...
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

public class EpubCheckBatch {
  public static void main(String[] args) throws IOException {
    for (int i = 0; i + 1 < args.length; i += 2) {
      try {
        new EpubChecker().run(new String[] {args[i], "-q", "--json", args[i + 1]});
      } catch (Throwable error) {
        // A book that breaks EPUBCheck is reported beside its report; the other books are still checked.
        Files.writeString(Path.of(args[i + 1] + ".failed"), error.toString());
      }
    }
  }
}
