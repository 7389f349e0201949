package io.tasklane.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The strict verdict as a table: YES only on a first-line YES that nothing contradicts. */
@Tag("fast")
class VerdictParsingTests {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          YES                                           | true
          YES: hello.txt holds hello.                   | true
          **YES** - the file is there                   | true
          yes, the page was fetched                     | true
          <think>hmm, no? yes.</think>\\nYES: it is there | true
          YES or NO: NO                                 | false
          Yes/No: No                                    | false
          YES\\n\\nActually NO, the file is missing.     | false
          <think>The file is there so YES               | false
          NO: nothing was written                       | false
          The step looks complete to me.                | false
          Verdict: YES                                  | false
          YESTERDAY it was done                         | false
          """)
  void aVerdictIsYesOnlyWhenItIsClear(String answer, boolean passed) {
    assertThat(Verifier.parse(answer.replace("\\n", "\n")).passed()).isEqualTo(passed);
  }
}
