<?php
/**
 * The cart and checkout blocks' "Use your points" script.
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

defined( 'ABSPATH' ) || exit;

/**
 * Loads assets/build/block-redeem.js (built from assets/src/block-redeem.js)
 * for the cart and checkout blocks.
 */
final class BlockIntegration implements \Automattic\WooCommerce\Blocks\Integrations\IntegrationInterface {
	/**
	 * The integration's name.
	 */
	public function get_name() {
		return 'vafa';
	}

	/**
	 * Registers the script.
	 */
	public function initialize() {
		$asset = VAFA_DIR . '/assets/build/block-redeem.asset.php';
		$meta  = is_readable( $asset ) ? require $asset : array(
			'dependencies' => array( 'wp-element', 'wp-plugins', 'wp-i18n', 'wc-blocks-checkout' ),
			'version'      => VAFA_VERSION,
		);
		wp_register_script( 'vafa-block-redeem', plugins_url( 'assets/build/block-redeem.js', VAFA_FILE ), $meta['dependencies'], $meta['version'], true );
		wp_set_script_translations( 'vafa-block-redeem', 'vafa', VAFA_DIR . '/languages' );
	}

	/**
	 * Scripts for the front end.
	 *
	 * @return string[]
	 */
	public function get_script_handles() {
		return array( 'vafa-block-redeem' );
	}

	/**
	 * Scripts for the editor.
	 *
	 * @return string[]
	 */
	public function get_editor_script_handles() {
		return array();
	}

	/**
	 * Data for the script (none: it reads extensions.vafa from the cart).
	 *
	 * @return array<string,mixed>
	 */
	public function get_script_data() {
		return array();
	}
}
