package io.github.sitecorecdp.audience;

/**
 * One guest of an export file: one line of JSON, as Sitecore wrote it.
 *
 * @param file the file the line came from
 * @param fileIndex the file's position in the export, from 0
 * @param lineNumber the line's number in the file, from 1
 * @param json the guest as a JSON object; parse it with the JSON library of your choice
 * @author sitecore-cdp-spring-boot
 */
public record ExportRecord(ExportFile file, int fileIndex, long lineNumber, String json) {

	/**
	 * Return whether the guest joined or left the audience.
	 * @return the file's delta action
	 */
	public DeltaAction action() {
		return this.file.action();
	}

}
