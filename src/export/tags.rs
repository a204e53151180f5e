//! What a music player shows for a track: title, album, artist and track number, written
//! as ID3v2 in MP3 files and as Vorbis comments in Opus and FLAC files.

/// Tags for one file. Empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    pub title: String,
    pub album: String,
    pub artist: String,
    /// Track number and the number of tracks (a plan's week and its weeks).
    pub track: Option<(u32, u32)>,
}

/// Who wrote the file, in the Vorbis comment's vendor field.
const VENDOR: &str = concat!("Cadence Coach ", env!("CARGO_PKG_VERSION"));

impl Tags {
    /// `KEY=value` pairs in Vorbis comment style.
    fn comments(&self) -> Vec<String> {
        let mut comments = Vec::new();
        for (key, value) in [
            ("TITLE", &self.title),
            ("ALBUM", &self.album),
            ("ARTIST", &self.artist),
        ] {
            if !value.is_empty() {
                comments.push(format!("{key}={value}"));
            }
        }
        if let Some((number, total)) = self.track {
            comments.push(format!("TRACKNUMBER={number}"));
            comments.push(format!("TRACKTOTAL={total}"));
        }
        comments
    }

    /// A Vorbis comment header body (the contents of FLAC's VORBIS_COMMENT block, and of
    /// an OpusTags packet after its magic): little-endian lengths, UTF-8 text.
    pub(crate) fn vorbis_comment(&self) -> Vec<u8> {
        let comments = self.comments();
        let mut body = Vec::new();
        let put = |text: &str, body: &mut Vec<u8>| {
            body.extend_from_slice(&(text.len() as u32).to_le_bytes());
            body.extend_from_slice(text.as_bytes());
        };
        put(VENDOR, &mut body);
        body.extend_from_slice(&(comments.len() as u32).to_le_bytes());
        for comment in &comments {
            put(comment, &mut body);
        }
        body
    }

    /// An ID3v2.3 tag (the version the most players read).
    pub(crate) fn id3(&self) -> id3::Tag {
        use id3::TagLike;
        let mut tag = id3::Tag::new();
        if !self.title.is_empty() {
            tag.set_title(self.title.as_str());
        }
        if !self.album.is_empty() {
            tag.set_album(self.album.as_str());
        }
        if !self.artist.is_empty() {
            tag.set_artist(self.artist.as_str());
        }
        if let Some((number, total)) = self.track {
            tag.set_track(number);
            tag.set_total_tracks(total);
        }
        tag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vorbis_comment_holds_each_field_with_its_length() {
        let tags = Tags {
            title: "Week 2".into(),
            album: String::new(),
            artist: "Cadence Coach".into(),
            track: Some((2, 6)),
        };
        let body = tags.vorbis_comment();
        let vendor_len = u32::from_le_bytes(body[..4].try_into().unwrap()) as usize;
        assert_eq!(&body[4..4 + vendor_len], VENDOR.as_bytes());
        let mut at = 4 + vendor_len;
        let count = u32::from_le_bytes(body[at..at + 4].try_into().unwrap());
        at += 4;
        let mut found = Vec::new();
        for _ in 0..count {
            let len = u32::from_le_bytes(body[at..at + 4].try_into().unwrap()) as usize;
            found.push(String::from_utf8(body[at + 4..at + 4 + len].to_vec()).unwrap());
            at += 4 + len;
        }
        assert_eq!(at, body.len());
        assert_eq!(
            found,
            [
                "TITLE=Week 2",
                "ARTIST=Cadence Coach",
                "TRACKNUMBER=2",
                "TRACKTOTAL=6"
            ]
        );
    }
}
