/**
 * Where the official datasets are downloaded from, with their published checksums.
 * Used by `fetch` and `verify`; the loaders only read what these unpack to.
 *
 * @module
 */

/** One downloadable file of a dataset. */
export interface Download {
  /** Official URL. */
  url: string;
  /** File name it is saved as (inside `dataDir/<dataset>/`). */
  file: string;
  /** Published MD5 of the file. */
  md5: string;
  /** Size in bytes when known (for the progress bar and a quick check). */
  bytes?: number;
  /** True for a .tar.gz to unpack after download (its folder is `unpacksTo`). */
  tarGz: boolean;
}

/** The downloads of one fetchable dataset. */
export interface DatasetArchive {
  /** Dataset name. */
  name: string;
  /** Files to download. */
  downloads: Download[];
  /** Folder the archive unpacks to, inside `dataDir/<name>/` (null: files used as they are). */
  unpacksTo: string | null;
  /** Where the checksums were published. */
  checksumSource: string;
}

const FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/** The fetchable datasets, by name. */
export const ARCHIVES: Readonly<Record<string, DatasetArchive>> = {
  cifar10: {
    name: "cifar10",
    downloads: [{
      url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
      file: "cifar-10-binary.tar.gz",
      md5: "c32a1d4ab5d03f1284b67883e8d87530",
      bytes: 170052171,
      tarGz: true,
    }],
    unpacksTo: "cifar-10-batches-bin",
    checksumSource: "https://www.cs.toronto.edu/~kriz/cifar.html",
  },
  cifar100: {
    name: "cifar100",
    downloads: [{
      url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
      file: "cifar-100-binary.tar.gz",
      md5: "03b5dce01913d631647c71ecec9e9cb8",
      bytes: 168513733,
      tarGz: true,
    }],
    unpacksTo: "cifar-100-binary",
    checksumSource: "https://www.cs.toronto.edu/~kriz/cifar.html",
  },
  stl10: {
    name: "stl10",
    downloads: [{
      url: "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz",
      file: "stl10_binary.tar.gz",
      md5: "91f7769df0f17e558f3565bffb0c7dfb",
      tarGz: true,
    }],
    unpacksTo: "stl10_binary",
    checksumSource: "torchvision's STL10 (the STL-10 page publishes none)",
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    downloads: [
      ["train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"],
      ["train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"],
      ["t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"],
      ["t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"],
    ].map(([file, md5]) => ({ url: FASHION + file, file, md5, tarGz: false })),
    unpacksTo: null,
    checksumSource: "https://github.com/zalandoresearch/fashion-mnist (README)",
  },
};

/** Network hosts `fetch` needs (for deno's --allow-net). */
export function fetchHosts(): string[] {
  const hosts = new Set<string>();
  for (const a of Object.values(ARCHIVES)) for (const d of a.downloads) hosts.add(new URL(d.url).hostname);
  return [...hosts].sort();
}
