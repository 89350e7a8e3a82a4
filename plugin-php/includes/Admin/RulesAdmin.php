<?php
/**
 * The earning rules and promotions editor on the Vafa page.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * Lists, adds and retires earning rules (per product or category: a
 * multiplier, fixed points per unit, or nothing) and promotions, and sets
 * the minimum order and the first-order bonus. The service holds them and
 * freezes the rules in force on each order when it is first paid.
 */
final class RulesAdmin {
	/**
	 * Handles one of the page's rule operations; returns the notice text.
	 *
	 * @param string $op Operation.
	 * @throws ApiException When the service refuses.
	 */
	public static function handle( string $op ): string {
		$client = ApiClient::connected();
		if ( ! $client ) {
			throw new ApiException( __( 'Connect the store first.', 'vafa' ), 'invalid' );
		}
		$user    = (string) get_current_user_id();
		$program = Program::get();
		$exp     = (int) ( $program['currency_exponent'] ?? 2 );
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- SettingsPage::handle checked the nonce.
		switch ( $op ) {
			case 'rule_add':
				$on     = 'product' === sanitize_key( wp_unslash( $_POST['vafa_rule_on'] ?? '' ) ) ? 'product' : 'category';
				$target = 'product' === $on ? absint( $_POST['vafa_rule_product'] ?? 0 ) : absint( $_POST['vafa_rule_category'] ?? 0 );
				$action = sanitize_key( wp_unslash( $_POST['vafa_rule_action'] ?? 'multiply' ) );
				$body   = array(
					'on'         => $on,
					'target_id'  => (string) $target,
					'action'     => in_array( $action, array( 'multiply', 'fixed', 'exclude' ), true ) ? $action : 'multiply',
					'multiplier' => sanitize_text_field( wp_unslash( $_POST['vafa_rule_multiplier'] ?? '1' ) ),
					'points'     => absint( $_POST['vafa_rule_points'] ?? 0 ),
				);
				$client->as_user( 'POST', '/v1/admin/earning-rules', $user, 'admin', $body, array(), 10.0 );
				Program::forget();
				return __( 'Earning rule added. It applies to orders paid from now on.', 'vafa' );
			case 'rule_toggle':
				$active = ! empty( $_POST['vafa_active'] );
				$client->as_user( 'PATCH', '/v1/admin/earning-rules/' . absint( $_POST['vafa_rule_id'] ?? 0 ), $user, 'admin', array( 'active' => $active ), array(), 10.0 );
				Program::forget();
				return $active ? __( 'Earning rule applied again.', 'vafa' ) : __( 'Earning rule retired; paid orders keep what they earned.', 'vafa' );
			case 'promo_add':
				$zone  = wp_timezone();
				$start = date_create_immutable( sanitize_text_field( wp_unslash( $_POST['vafa_promo_starts'] ?? '' ) ), $zone );
				$end   = date_create_immutable( sanitize_text_field( wp_unslash( $_POST['vafa_promo_ends'] ?? '' ) ), $zone );
				if ( ! $start || ! $end ) {
					throw new ApiException( __( 'Choose when the promotion starts and ends.', 'vafa' ), 'invalid' );
				}
				$body = array(
					'name'        => sanitize_text_field( wp_unslash( $_POST['vafa_promo_name'] ?? '' ) ),
					'starts'      => $start->format( DATE_RFC3339 ),
					'ends'        => $end->format( DATE_RFC3339 ),
					'multiplier'  => sanitize_text_field( wp_unslash( $_POST['vafa_promo_multiplier'] ?? '2' ) ),
					'category_id' => absint( $_POST['vafa_promo_category'] ?? 0 ) ? (string) absint( $_POST['vafa_promo_category'] ) : '',
				);
				$client->as_user( 'POST', '/v1/admin/promotions', $user, 'admin', $body, array(), 10.0 );
				Program::forget();
				return __( 'Promotion added.', 'vafa' );
			case 'promo_toggle':
				$active = ! empty( $_POST['vafa_active'] );
				$client->as_user( 'PATCH', '/v1/admin/promotions/' . absint( $_POST['vafa_promo_id'] ?? 0 ), $user, 'admin', array( 'active' => $active ), array(), 10.0 );
				Program::forget();
				return $active ? __( 'Promotion on again.', 'vafa' ) : __( 'Promotion stopped.', 'vafa' );
			case 'earn_settings':
				$client->as_user(
					'PATCH',
					'/v1/admin/program',
					$user,
					'admin',
					array(
						'earn_min_subtotal_minor' => Program::to_minor( sanitize_text_field( wp_unslash( $_POST['vafa_min_subtotal'] ?? '0' ) ), $exp ),
						'first_order_bonus'       => absint( $_POST['vafa_first_order_bonus'] ?? 0 ),
					),
					array(),
					10.0
				);
				Program::forget();
				return __( 'Earning settings saved.', 'vafa' );
		}
		// phpcs:enable
		throw new ApiException( __( 'Unknown action.', 'vafa' ), 'invalid' );
	}

	/**
	 * The store's product categories, id => name.
	 *
	 * @return array<int,string>
	 */
	private static function categories(): array {
		$out   = array();
		$terms = get_terms(
			array(
				'taxonomy'   => 'product_cat',
				'hide_empty' => false,
				'number'     => 500,
			)
		);
		foreach ( is_array( $terms ) ? $terms : array() as $t ) {
			$out[ (int) $t->term_id ] = (string) $t->name;
		}
		return $out;
	}

	/**
	 * Prints the rules, the promotions, their add forms and the settings.
	 *
	 * @param callable $form The page's form printer: ( $op, $label, $fields, $class ).
	 */
	public static function render( callable $form ): void {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return;
		}
		echo '<h2>' . esc_html__( 'Earning rules', 'vafa' ) . '</h2>';
		try {
			$rules  = $client->as_user( 'GET', '/v1/admin/earning-rules', (string) get_current_user_id(), 'admin', null, array(), 2.0 );
			$promos = $client->as_user( 'GET', '/v1/admin/promotions', (string) get_current_user_id(), 'admin', null, array(), 2.0 );
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			return;
		}
		$cats    = self::categories();
		$program = Program::get();
		$exp     = (int) ( $program['currency_exponent'] ?? 2 );
		$name    = static function ( $on, $id ) use ( $cats ) {
			if ( 'category' === $on ) {
				return $cats[ (int) $id ] ?? '#' . $id;
			}
			$p = function_exists( 'wc_get_product' ) ? wc_get_product( (int) $id ) : null;
			return $p ? $p->get_name() : '#' . $id;
		};
		$actions = array(
			'multiply' => __( 'Points multiplied by', 'vafa' ),
			'fixed'    => __( 'Fixed points per item', 'vafa' ),
			'exclude'  => __( 'Earns nothing', 'vafa' ),
		);
		echo '<table class="widefat striped vafa-rules"><thead><tr><th>' . esc_html__( 'Applies to', 'vafa' ) . '</th><th>' . esc_html__( 'Earns', 'vafa' ) . '</th><th>' . esc_html__( 'Applied', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		foreach ( (array) ( $rules['items'] ?? array() ) as $r ) {
			$earns = $actions[ $r['action'] ] ?? $r['action'];
			if ( 'multiply' === $r['action'] ) {
				$earns .= ' ' . $r['multiplier'];
			} elseif ( 'fixed' === $r['action'] ) {
				$earns .= ': ' . (int) $r['points'];
			}
			/* translators: 1: "product" or "category", 2: its name */
			$target = sprintf( __( '%1$s: %2$s', 'vafa' ), 'product' === $r['on'] ? __( 'Product', 'vafa' ) : __( 'Category', 'vafa' ), $name( $r['on'], $r['target_id'] ) );
			echo '<tr data-rule="' . esc_attr( (string) $r['id'] ) . '"><td>' . esc_html( $target ) . '</td><td>' . esc_html( $earns ) . '</td><td>' . ( $r['active'] ? esc_html__( 'Yes', 'vafa' ) : esc_html__( 'No', 'vafa' ) ) . '</td><td>';
			$form( 'rule_toggle', $r['active'] ? __( 'Retire', 'vafa' ) : __( 'Apply again', 'vafa' ), '<input type="hidden" name="vafa_rule_id" value="' . esc_attr( (string) $r['id'] ) . '"><input type="hidden" name="vafa_active" value="' . ( $r['active'] ? '' : '1' ) . '">', 'button button-small' );
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		$cat_options = '<option value="0">' . esc_html__( 'Every product', 'vafa' ) . '</option>';
		foreach ( $cats as $id => $n ) {
			$cat_options .= '<option value="' . esc_attr( (string) $id ) . '">' . esc_html( $n ) . '</option>';
		}
		$products = function_exists( 'wc_get_products' ) ? wc_get_products(
			array(
				'limit'   => 200,
				'orderby' => 'name',
				'order'   => 'ASC',
				'return'  => 'objects',
			)
		) : array();
		$product_options = '';
		foreach ( $products as $p ) {
			$product_options .= '<option value="' . esc_attr( (string) $p->get_id() ) . '">' . esc_html( $p->get_name() ) . '</option>';
		}
		echo '<h3>' . esc_html__( 'Add an earning rule', 'vafa' ) . '</h3>';
		$fields = '<p><label>' . esc_html__( 'Applies to', 'vafa' ) . ' <select name="vafa_rule_on"><option value="category">' . esc_html__( 'a category', 'vafa' ) . '</option><option value="product">' . esc_html__( 'a product', 'vafa' ) . '</option></select></label> '
			. '<label>' . esc_html__( 'Category', 'vafa' ) . ' <select name="vafa_rule_category">' . $cat_options . '</select></label> '
			. '<label>' . esc_html__( 'Product', 'vafa' ) . ' <select name="vafa_rule_product"><option value="0">—</option>' . $product_options . '</select></label></p>'
			. '<p><label>' . esc_html__( 'Earns', 'vafa' ) . ' <select name="vafa_rule_action"><option value="multiply">' . esc_html( $actions['multiply'] ) . '</option><option value="fixed">' . esc_html( $actions['fixed'] ) . '</option><option value="exclude">' . esc_html( $actions['exclude'] ) . '</option></select></label> '
			. '<label>' . esc_html__( 'Multiplier', 'vafa' ) . ' <input name="vafa_rule_multiplier" value="2" inputmode="decimal" pattern="[0-9]{1,4}(\.[0-9]{1,4})?"></label> '
			. '<label>' . esc_html__( 'Points per item', 'vafa' ) . ' <input type="number" min="0" name="vafa_rule_points" value="0"></label></p>';
		$form( 'rule_add', __( 'Add rule', 'vafa' ), $fields, 'button button-primary' );

		echo '<h3>' . esc_html__( 'Promotions', 'vafa' ) . '</h3><table class="widefat striped vafa-promotions"><thead><tr><th>' . esc_html__( 'Name', 'vafa' ) . '</th><th>' . esc_html__( 'From', 'vafa' ) . '</th><th>' . esc_html__( 'Until', 'vafa' ) . '</th><th>' . esc_html__( 'Multiplier', 'vafa' ) . '</th><th>' . esc_html__( 'Category', 'vafa' ) . '</th><th>' . esc_html__( 'On', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
		foreach ( (array) ( $promos['items'] ?? array() ) as $p ) {
			$when = static fn( $t ) => wp_date( (string) get_option( 'date_format', 'Y-m-d' ) . ' ' . (string) get_option( 'time_format', 'H:i' ), \Vafa\Format::unix( (string) $t ) );
			echo '<tr data-promotion="' . esc_attr( (string) $p['id'] ) . '"><td>' . esc_html( (string) $p['name'] ) . '</td><td>' . esc_html( $when( $p['starts'] ) ) . '</td><td>' . esc_html( $when( $p['ends'] ) ) . '</td><td>' . esc_html( (string) $p['multiplier'] ) . '×</td><td>'
				. esc_html( '' === $p['category_id'] ? __( 'Every product', 'vafa' ) : $name( 'category', $p['category_id'] ) ) . '</td><td>' . ( $p['active'] ? esc_html__( 'Yes', 'vafa' ) : esc_html__( 'No', 'vafa' ) ) . '</td><td>';
			$form( 'promo_toggle', $p['active'] ? __( 'Stop', 'vafa' ) : __( 'Turn on', 'vafa' ), '<input type="hidden" name="vafa_promo_id" value="' . esc_attr( (string) $p['id'] ) . '"><input type="hidden" name="vafa_active" value="' . ( $p['active'] ? '' : '1' ) . '">', 'button button-small' );
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		echo '<h3>' . esc_html__( 'Add a promotion', 'vafa' ) . '</h3>';
		$fields = '<p><label>' . esc_html__( 'Name', 'vafa' ) . ' <input name="vafa_promo_name" required></label> '
			. '<label>' . esc_html__( 'Starts (site time)', 'vafa' ) . ' <input type="datetime-local" name="vafa_promo_starts" required></label> '
			. '<label>' . esc_html__( 'Ends', 'vafa' ) . ' <input type="datetime-local" name="vafa_promo_ends" required></label></p>'
			. '<p><label>' . esc_html__( 'Multiplier', 'vafa' ) . ' <input name="vafa_promo_multiplier" value="2" inputmode="decimal"></label> '
			. '<label>' . esc_html__( 'Category', 'vafa' ) . ' <select name="vafa_promo_category">' . $cat_options . '</select></label></p>';
		$form( 'promo_add', __( 'Add promotion', 'vafa' ), $fields, 'button button-primary' );

		echo '<h3>' . esc_html__( 'Earning settings', 'vafa' ) . '</h3>';
		$min    = (int) ( $program['earn_min_subtotal_minor'] ?? 0 );
		$fields = '<p><label>' . esc_html__( 'Orders below this amount earn nothing (0 = any)', 'vafa' ) . ' <input name="vafa_min_subtotal" inputmode="decimal" value="' . esc_attr( \Vafa\Rewards\Codes::amount( $min, $exp ) ) . '"></label></p>'
			. '<p><label>' . esc_html__( 'Bonus points for a first order', 'vafa' ) . ' <input type="number" min="0" name="vafa_first_order_bonus" value="' . esc_attr( (string) (int) ( $program['first_order_bonus'] ?? 0 ) ) . '"></label></p>';
		$form( 'earn_settings', __( 'Save', 'vafa' ), $fields );
	}
}
